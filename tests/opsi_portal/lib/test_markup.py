"""`escaped` writes what Django's `conditional_escape` writes."""

import pytest
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from opsi_portal.lib.markup import escaped


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "<script>alert('x') & \"y\"</script>",
        "Côte d’Ivoire",
        12,
        None,
        mark_safe("<b>kept</b>"),
        gettext_lazy("Themes"),
    ],
)
def test_escaped_is_djangos_conditional_escape(value):
    assert escaped(value) == conditional_escape(value)
