from decimal import Decimal

from django import template

from assessment.charts import line_chart

register = template.Library()


@register.inclusion_tag("assessment/_chart.html")
def trend_chart(series: dict, title: str = ""):
    """{% trend_chart series title %}: series is {name: [(period label, score or None), ...]}."""
    return {"chart": line_chart(series), "title": title, "legend": len(series) > 1}


@register.filter
def percent(rate) -> str:
    """A rate (0–1) as a percentage with one decimal: 0.8333 → 83.3%"""
    return f"{float(rate) * 100:.1f}%"


@register.filter
def weight(value) -> str:
    """A stored weight without its trailing zeros: 40.00 → 40, 0.20 → 0.2"""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
