"""Signal receivers shared by every app whose models keep a history."""


def skip_history_of_loaded_rows(sender, instance, raw, **kwargs):
    """Rows loaded from a backup bring their own history; the copies simple-history would add are noise.

    django-simple-history already skips raw saves, but not the many-to-many sets loaddata makes
    afterwards, which would add history rows whose ids collide with the restored ones.
    """
    if raw:
        instance.skip_history_when_saving = True
