"""Filters and sort_by of list operations, parsed from the query string.

A filter value may start with an operator (`=`, `!=`, `>`, `>=`, `<`, `<=`, `><`,
`!><`, `~`, `!~`); the longest operator that prefixes the value wins, so `!><1|2`
is "not in (1, 2)" and `=>x` is "equals '>x'".
"""

import re

# Longest first: the first prefix found is the operator.
OPERATORS = ("!><", "><", "!=", ">=", "<=", "!~", "=", ">", "<", "~")
LIST_SEPARATOR = "|"
SORT_SEPARATORS = re.compile(r"[|,]")


class QueryError(ValueError):
    """A filter or sort_by the emulator cannot apply; answered with 400."""

    def __init__(self, attribute, value, message):
        super().__init__(message)
        self.attribute = attribute
        self.value = value
        self.message = message


def split_operator(raw_value):
    """Return (operator, operand) of a filter value; `=` when no operator prefixes it."""
    for operator in OPERATORS:
        if raw_value.startswith(operator):
            return operator, raw_value[len(operator):]
    return "=", raw_value


def like_to_regex(pattern):
    """Compile an SQL LIKE pattern: `%` any characters, `_` one, backslash escapes the next character."""
    parts = []
    escaped = False
    for char in pattern:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    if escaped:
        parts.append(re.escape("\\"))
    return re.compile("".join(parts), re.DOTALL)


def _as_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Filter:
    """One `attribute=<operator><operand>` condition."""

    def __init__(self, attribute, raw_value, numeric):
        self.attribute = attribute
        self.operator, operand = split_operator(raw_value)
        self.numeric = numeric
        self.pattern = None
        if self.operator in ("~", "!~"):
            # Patterns apply to the text of the value, numbers included.
            self.pattern = like_to_regex(operand)
            self.operand = operand
        elif self.operator in ("><", "!><"):
            self.operand = [self._convert(attribute, raw_value, item) for item in operand.split(LIST_SEPARATOR)]
        else:
            self.operand = self._convert(attribute, raw_value, operand)

    def _convert(self, attribute, raw_value, text):
        if not self.numeric:
            return text
        if not re.fullmatch(r"-?[0-9]+", text.strip()):
            raise QueryError(
                attribute,
                raw_value,
                f"The filter {attribute}={raw_value} cannot be applied: {text!r} is not an integer.")
        return int(text)

    def matches(self, record):
        """Tell whether record passes this filter; a missing attribute passes none (as SQL NULL)."""
        value = record.get(self.attribute)
        if value is None:
            return False
        if self.pattern is not None:
            found = self.pattern.fullmatch(_as_text(value)) is not None
            return found if self.operator == "~" else not found
        if not self.numeric:
            value = _as_text(value)
        return self._compare(value)

    def _compare(self, value):
        operand = self.operand
        if self.operator in ("><", "!><"):
            return (value in operand) == (self.operator == "><")
        try:
            return COMPARISONS[self.operator](value, operand)
        except TypeError:
            # A fixture attribute of an odd type (a number where text is expected) never matches an ordering.
            return False


COMPARISONS = {
    "=": lambda value, operand: value == operand,
    "!=": lambda value, operand: value != operand,
    ">": lambda value, operand: value > operand,
    ">=": lambda value, operand: value >= operand,
    "<": lambda value, operand: value < operand,
    "<=": lambda value, operand: value <= operand,
}


def parse_filters(query_pairs, filterable, numeric):
    """Build the filters named in query_pairs; filterable is the set of attributes, numeric those compared as
    integers."""
    return [Filter(name, value, name in numeric) for name, value in query_pairs if name in filterable]


def parse_sort_by(raw_value, sortable):
    """Return [(attribute, descending)] from `a|b:desc` or `a,b:desc`; raise QueryError on an unknown attribute or
    direction."""
    keys = []
    for item in SORT_SEPARATORS.split(raw_value):
        item = item.strip()
        if not item:
            continue
        attribute, _colon, direction = item.partition(":")
        direction = direction.strip().lower() or "asc"
        if attribute not in sortable:
            raise QueryError(
                "sort_by",
                raw_value,
                f"Cannot sort by {attribute!r}: sortable attributes are {', '.join(sorted(sortable))}.")
        if direction not in ("asc", "desc"):
            raise QueryError(
                "sort_by",
                raw_value,
                f"Sort direction {direction!r} of {attribute!r} must be asc or desc.")
        keys.append((attribute, direction == "desc"))
    return keys


def _sort_key(attribute):
    # Missing values sort first; values of one attribute share a type in practice.
    def key(record):
        value = record.get(attribute)
        return (value is not None, value if value is not None else 0)
    return key


def sort_records(records, sort_keys):
    """Sort records by sort_keys, ties broken by ascending id."""
    ordered = sorted(records, key=lambda record: record["id"])
    for attribute, descending in reversed(sort_keys):
        try:
            ordered.sort(key=_sort_key(attribute), reverse=descending)
        except TypeError:
            # Mixed types in one attribute (odd fixtures): compare their text instead.
            ordered.sort(key=lambda record, name=attribute: _as_text(record.get(name)), reverse=descending)
    return ordered
