# Chinese pages keep Django's formats (2026年11月21日) but write a month and day without a
# leading zero, as people do: 1月5日, not 01月5日. Formats not named here come from Django's.
MONTH_DAY_FORMAT = "n月j日"
