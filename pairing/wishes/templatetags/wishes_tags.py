from django import template

register = template.Library()


@register.filter
def field(row, name):
    """row[name] for the figure rows, whose keys are lookups like community__name."""
    return row.get(name, "")
