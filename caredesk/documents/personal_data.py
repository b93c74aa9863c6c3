"""What the documents app holds about a customer (customers.holdings): the letters we
wrote to them and the files made of them."""

from __future__ import annotations

from caredesk.customers.holdings import Holding, NoCustomerData, StoredFile, declare
from caredesk.documents.models import (
    CaseDocument,
    CaseLetter,
    DocumentTemplate,
    Snippet,
    TranslationRequest,
)

declare(
    Holding(
        CaseLetter,
        "Letters we wrote to you",
        path="case__customer",
        personal=("subject", "body"),
        # who signed it: our officer, not the customer
        not_personal=(
            "signed_name",
            "signed_post_title",
            "signed_phone",
            "signed_email",
            "formats_missing",
        ),
        order_by=("written_at", "pk"),
    ),
    Holding(
        CaseDocument,
        "Letters and documents as we sent them: print, large print, Braille, audio, translations",
        path="case__customer",
        personal=("file_name", "sha256"),
        # The language of a translation is kept when they are erased: the figures count
        # translations by language, and once the rest is gone it says nothing of whom.
        not_personal=("content_type", "language"),
        files=(StoredFile("sha256", name="file_name"),),
        withheld=("sha256",),
    ),
    Holding(
        TranslationRequest,
        "Translations of letters to you",
        path="case__customer",
        not_personal=("language",),  # as the documents' language, above
    ),
    NoCustomerData(DocumentTemplate, "The wording of standard letters and emails."),
    NoCustomerData(Snippet, "Standard paragraphs staff may add to a letter."),
)
