from django import forms
from django.core.exceptions import ValidationError

# Primary keys are 64-bit: larger numbers can only be typed by hand, and would overflow the
# `pk__in` query that Django's multiple-choice check runs.
PK_RANGE = range(-(2 ** 63), 2 ** 63)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing out-of-range ids as invalid choices instead of failing."""

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(str(pk))
            except ValueError:
                continue  # not a number at all: Django's own check reports it
            if number not in PK_RANGE:
                raise ValidationError(self.error_messages["invalid_choice"],
                                      code="invalid_choice", params={"value": pk})
        return super()._check_values(value)


class MemberChoiceField(forms.ModelChoiceField):
    """A member select: each option reads `Member.choice_label`, so namesakes differ."""

    def label_from_instance(self, obj):
        return obj.choice_label


class MemberMultipleChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.choice_label


def saved(form, save):
    """Run `save` (a service call) on a valid form and return what it wrote (True for a service
    that returns nothing). None when the form is invalid or the service refused: the service's
    ValidationError then stands next to the fields it names (`add_service_errors`)."""
    if not form.is_valid():
        return None
    try:
        result = save()
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    return True if result is None else result


def add_service_errors(form, error):
    """Put a service's ValidationError next to the fields it names, and on top of the form what
    names no field of it (or no field at all)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
