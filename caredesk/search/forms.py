from django import forms


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search",
        help_text=(
            "A case reference, any part of a name, an organisation, a postcode, a phone "
            "number, an email address, or words from a case."
        ),
        max_length=200,
    )
