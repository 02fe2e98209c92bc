"""First history records ("+") of rows the import creates in bulk, as simple-history writes them one by one."""

from django.utils import timezone
from simple_history.signals import post_create_historical_record, pre_create_historical_record

from .copying import copy_instances


def write_first_records(model, instances):
    """The first history record of each of the new `instances` of `model`, in one insert (a COPY on PostgreSQL).

    The records' ids are not read back: no receiver uses them. The signals are sent as a save sends
    them: their receivers name the import run and the curator who started it (`runs.name_history_row`).
    """
    history = model.history.model
    now = timezone.now()
    rows = []
    for instance in instances:
        fields = {field.attname: getattr(instance, field.attname) for field in history.tracked_fields}
        row = history(history_date=now, history_type="+", history_user=None, history_change_reason=None, **fields)
        signal = {"instance": instance, "history_date": now, "history_user": None, "history_change_reason": None}
        pre_create_historical_record.send(sender=history, history_instance=row, using=None, **signal)
        rows.append((row, signal))
    copy_instances(history, [row for row, _ in rows])
    for row, signal in rows:
        post_create_historical_record.send(sender=history, history_instance=row, using=None, **signal)
