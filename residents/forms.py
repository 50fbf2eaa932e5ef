from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from grids.models import GridNode, Level
from grids.selectors import visible_nodes


class ImportForm(forms.Form):
    node = forms.ModelChoiceField(
        label=_("Into grid node"), queryset=GridNode.objects.none(), help_text=_("Every household must lie inside it.")
    )
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Streets, communities and base grids the user may see: the units a sheet is kept for.
        self.fields["node"].queryset = (
            visible_nodes(user).filter(level__lte=Level.BASE_GRID).defer("boundary").order_by("code")
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.GRIDGOV_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB; split it by community.")
                % {"mb": settings.GRIDGOV_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        # Accepted by content, not by name: residents.import_sheet.check_archive reads the zip.
        return upload
