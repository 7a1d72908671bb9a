"""Template filters FieldOffice's pages share."""

from django import template

register = template.Library()


@register.filter(is_safe=True)
def end_sentence(text: str) -> str:
    """
    ``text`` ending with one full stop: a sentence that ends with a time ("… at 2:30 p.m.") keeps the time's own
    period instead of reading "p.m..". Used as ``{% filter end_sentence %}… {{ run.created_at }}{% endfilter %}``.
    """
    stripped = text.rstrip()
    if not stripped or stripped.endswith((".", "!", "?", ":")):
        return stripped
    return stripped + "."
