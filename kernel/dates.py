"""Calendar arithmetic by months, two different questions with two names."""
from datetime import date


def add_months(day, months):
    """The same day `months` later (or earlier), at the month's end when it is shorter:
    31 January + 1 → 28/29 February. A probation of 12 months from a joining date."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue


def first_of_month_after(day, months):
    """The first day of the month `months` after `day`'s month (the day itself is ignored):
    the start of the next period of a 三会一课 calendar."""
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)
