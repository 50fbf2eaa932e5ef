"""Money is whole fen (分): no floats, exact sums."""

# Anything above ten million yuan on one line is a typing error, not a grid subsidy: the
# whole district's year is about 11.4 M yuan.
MAX_LINE_FEN = 10_000_000 * 100


def yuan(fen: int | None) -> str:
    """Fen as yuan with two decimals and thousands separators: 1234567 → '12,345.67'."""
    fen = fen or 0
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"
