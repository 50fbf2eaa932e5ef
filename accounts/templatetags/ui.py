"""{% icon "search" %}: an icon of the vendored Lucide sprite (static/vendor/lucide/sprite.svg).

Decorative by default (aria-hidden: the text beside it says what it means); give `label` for an
icon that stands alone. The names are the ones scripts/vendor_icons.sh puts in the sprite.
"""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def icon(name: str, label: str = ""):
    href = f"{static('vendor/lucide/sprite.svg')}#{name}"
    if label:
        return format_html('<svg class="icon" role="img" aria-label="{}"><use href="{}"></use></svg>', label, href)
    return format_html('<svg class="icon" aria-hidden="true" focusable="false"><use href="{}"></use></svg>', href)
