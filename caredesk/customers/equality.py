"""Equality monitoring answers: the questions, their encryption, recording and erasing.

What a customer tells us about themselves for equality monitoring is special-category
data (UK GDPR Article 9): kept only with their agreement, encrypted at rest, shown only
to the data protection officer and equality monitoring leads (Can.READ_EQUALITY_ANSWERS:
officers record answers but do not read them back), on request, with each showing
logged, and reported only in aggregate with small numbers suppressed
(caredesk.reporting.equality). DESIGN.md section 7.

The questions follow the Equality Act 2010's protected characteristics that a landlord
monitors (the policy's "seven equality strands"), with the ONS 2021 Census's short
categories, plus financial exclusion. Every question can be answered "Prefer not to
say"; a question not asked, or not answered, is simply absent from the answers.

- Age is the band the customer gives when asked, as it was then; we do not keep a date
  of birth for this.
- Financial exclusion means the customer tells us they have no bank, building society
  or credit union account of their own, or that they are 8 weeks or more behind with
  their rent or other essential bills (serious arrears). It is what they tell us, not
  worked out from rent accounts.

Encryption: each customer's answers are one Fernet token (AES-128-CBC with an
HMAC-SHA256, from `cryptography`) over {"customer": id, "answers": {...}}. The id inside
ties a token to its customer: copied onto another customer's row it does not read. The
keys are the setting CAREDESK_EQUALITY_KEYS (env CAREDESK_EQUALITY_KEY, comma separated):
the first encrypts, all of them decrypt (MultiFernet), so a new key can be put first
and `equality_keys_rotate` then re-encrypts every answer with it before the old key is
removed. Without a key, anything that reads or writes answers stops with a clear
EqualityKeyMissing; the keys are never logged or shown.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models, transaction

from caredesk.core.clock import Clock, system_clock
from caredesk.customers.models import Customer, EqualityProfile
from caredesk.customers.services import customer_access_record
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed

logger = logging.getLogger(__name__)

PREFER_NOT_TO_SAY = "prefer_not_to_say"
PREFER_NOT_TO_SAY_LABEL = "Prefer not to say"
ACCESS_WHAT = "equality answers"


class EqualityError(CaredeskError):
    """Answers that cannot be recorded: no consent, an unknown question or answer."""

    code = "equality_invalid"


class EqualityKeyMissing(CaredeskError):
    """No CAREDESK_EQUALITY_KEY: equality answers can be neither read nor written."""

    code = "equality_key_missing"


class EqualityUnreadable(CaredeskError):
    """A token none of the keys opens, or one written for another customer."""

    code = "equality_unreadable"


# -- the questions ------------------------------------------------------------------------


class Characteristic(models.TextChoices):
    AGE_BAND = "age_band", "Age"
    DISABILITY = "disability", "Disability"
    SEX = "sex", "Sex"
    GENDER_IDENTITY = "gender_identity", "Gender identity"
    ETHNICITY = "ethnicity", "Ethnic group"
    RELIGION = "religion", "Religion or belief"
    SEXUAL_ORIENTATION = "sexual_orientation", "Sexual orientation"
    FINANCIAL_EXCLUSION = "financial_exclusion", "Financial exclusion"


class AgeBand(models.TextChoices):
    UNDER_25 = "under_25", "Under 25"
    FROM_25 = "25_34", "25 to 34"
    FROM_35 = "35_44", "35 to 44"
    FROM_45 = "45_54", "45 to 54"
    FROM_55 = "55_64", "55 to 64"
    FROM_65 = "65_74", "65 to 74"
    FROM_75 = "75_and_over", "75 and over"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


class Disability(models.TextChoices):
    YES = "yes", "Disabled or a long-term health condition"
    NO = "no", "Not disabled"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


class GenderIdentity(models.TextChoices):
    SAME = "same", "Same as sex registered at birth"
    DIFFERENT = "different", "Different from sex registered at birth"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


class Ethnicity(models.TextChoices):
    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, Black British, Caribbean or African"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    WHITE = "white", "White"
    OTHER = "other", "Other ethnic group"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


class Religion(models.TextChoices):
    NONE = "none", "No religion"
    CHRISTIAN = "christian", "Christian"
    BUDDHIST = "buddhist", "Buddhist"
    HINDU = "hindu", "Hindu"
    JEWISH = "jewish", "Jewish"
    MUSLIM = "muslim", "Muslim"
    SIKH = "sikh", "Sikh"
    OTHER = "other", "Any other religion"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


class SexualOrientation(models.TextChoices):
    STRAIGHT = "straight", "Straight or heterosexual"
    GAY_OR_LESBIAN = "gay_or_lesbian", "Gay or lesbian"
    BISEXUAL = "bisexual", "Bisexual"
    OTHER = "other", "Other sexual orientation"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


class FinancialExclusion(models.TextChoices):
    YES = "yes", "Financially excluded"
    NO = "no", "Not financially excluded"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


ANSWERS: dict[Characteristic, type[models.TextChoices]] = {
    Characteristic.AGE_BAND: AgeBand,
    Characteristic.DISABILITY: Disability,
    Characteristic.SEX: Sex,
    Characteristic.GENDER_IDENTITY: GenderIdentity,
    Characteristic.ETHNICITY: Ethnicity,
    Characteristic.RELIGION: Religion,
    Characteristic.SEXUAL_ORIENTATION: SexualOrientation,
    Characteristic.FINANCIAL_EXCLUSION: FinancialExclusion,
}

QUESTIONS: dict[Characteristic, str] = {
    Characteristic.AGE_BAND: "How old are you?",
    Characteristic.DISABILITY: (
        "Do you have a physical or mental health condition or illness that has lasted, or "
        "is expected to last, 12 months or more, and reduces your ability to carry out "
        "day-to-day activities?"
    ),
    Characteristic.SEX: "What is your sex?",
    Characteristic.GENDER_IDENTITY: (
        "Is the gender you identify with the same as your sex registered at birth?"
    ),
    Characteristic.ETHNICITY: "What is your ethnic group?",
    Characteristic.RELIGION: "What is your religion, if any?",
    Characteristic.SEXUAL_ORIENTATION: "Which of these best describes your sexual orientation?",
    Characteristic.FINANCIAL_EXCLUSION: (
        "Are you without a bank, building society or credit union account of your own, or "
        "8 weeks or more behind with your rent or other essential bills?"
    ),
}

Answers = dict[str, str]  # {characteristic: answer}, both by value; unanswered: absent


def answer_label(characteristic: Characteristic, answer: str) -> str:
    labels = dict(ANSWERS[characteristic].choices)
    return str(labels.get(answer, answer))


def answers_clean(answers: Mapping[str, str]) -> Answers:
    """The answers checked against the questions; "" (not asked) is left out."""
    clean: Answers = {}
    for question, answer in answers.items():
        if not answer:
            continue
        try:
            characteristic = Characteristic(question)
        except ValueError:
            raise EqualityError(f"There is no equality question '{question}'.") from None
        if answer not in ANSWERS[characteristic].values:
            raise EqualityError(
                f"'{answer}' is not one of the answers to the question about "
                f"{characteristic.label.lower()}."
            )
        clean[characteristic.value] = answer
    return clean


# -- encryption --------------------------------------------------------------------------


@dataclass(frozen=True)
class EqualityCipher:
    """Encrypts and decrypts answers with the configured keys. Make one with
    `equality_cipher()`, and keep it for a batch: building it checks the keys."""

    fernet: MultiFernet

    def encrypt(self, customer_id: int, answers: Answers) -> bytes:
        plain = json.dumps({"customer": customer_id, "answers": answers}, sort_keys=True)
        return self.fernet.encrypt(plain.encode("utf-8"))

    def decrypt(self, customer_id: int, token: bytes | memoryview) -> Answers:
        try:
            content = json.loads(self.fernet.decrypt(bytes(token)))
        except InvalidToken:
            raise EqualityUnreadable(
                f"The equality answers of customer {customer_id} cannot be read with the keys "
                "in CAREDESK_EQUALITY_KEY: the key they were written with is not among them."
            ) from None
        if content.get("customer") != customer_id:
            raise EqualityUnreadable(
                f"The equality answers stored for customer {customer_id} were written for "
                "another customer, so they are not read."
            )
        answers: Answers = content["answers"]
        return answers

    def rotate(self, token: bytes | memoryview) -> bytes:
        return self.fernet.rotate(bytes(token))


def equality_cipher() -> EqualityCipher:
    """The cipher for the keys in settings; EqualityKeyMissing if there are none."""
    return _cipher_for(tuple(settings.CAREDESK_EQUALITY_KEYS))


@lru_cache(maxsize=4)
def _cipher_for(keys: tuple[str, ...]) -> EqualityCipher:
    if not keys:
        raise EqualityKeyMissing(
            "Equality data cannot be read or written: CAREDESK_EQUALITY_KEY is not set."
        )
    return EqualityCipher(MultiFernet([Fernet(key) for key in keys]))


# -- services -----------------------------------------------------------------------------


def equality_profile_of(customer: Customer) -> EqualityProfile | None:
    """The customer's profile (when and by whom, consent), without reading the answers."""
    try:
        return customer.equality
    except EqualityProfile.DoesNotExist:
        return None


@transaction.atomic
def equality_record(
    *,
    customer: Customer,
    answers: Mapping[str, str],
    consent_given: bool,
    by: StaffMember,
    clock: Clock = system_clock,
) -> EqualityProfile:
    """Record the customer's answers, replacing any recorded before.

    With consent, at least one answer ("Prefer not to say" counts) is kept, encrypted.
    Without it nothing is kept but the fact they did not agree; answers given with no
    consent are refused rather than dropped, so that nobody thinks they were kept.
    """
    clean = answers_clean(answers)
    if not consent_given and clean:
        raise EqualityError(
            "The customer has not agreed to us keeping their answers, so none can be kept."
        )
    if consent_given and not clean:
        raise EqualityError(
            "Record at least one answer (Prefer not to say counts), or record that the "
            "customer did not agree."
        )
    token = equality_cipher().encrypt(customer.pk, clean) if consent_given else b""
    profile, _ = EqualityProfile.objects.update_or_create(
        customer=customer,
        defaults={
            "answers_encrypted": token,
            "consent_given": consent_given,
            "recorded_at": clock.now(),
            "recorded_by": by,
        },
    )
    logger.info(
        "Equality answers of customer %s recorded by staff %s (%s)",
        customer.pk,
        by.pk,
        "with consent" if consent_given else "no consent: none kept",
    )
    return profile


@transaction.atomic
def equality_erase(*, customer: Customer, by: StaffMember, clock: Clock = system_clock) -> bool:
    """Delete the customer's answers and the record that they were asked. True if there
    was anything to erase. Reports of past periods then count them as "Not given"."""
    erased, _ = EqualityProfile.objects.filter(customer=customer).delete()
    if erased:
        logger.info(
            "Equality answers of customer %s erased by staff %s at %s",
            customer.pk,
            by.pk,
            clock.now().isoformat(),
        )
    return bool(erased)


@dataclass(frozen=True)
class ShownAnswer:
    characteristic: Characteristic
    question: str
    answer: str  # the label; "Not asked or not answered" when absent


def equality_answers_show(
    *, customer: Customer, by: StaffMember, clock: Clock = system_clock
) -> list[ShownAnswer] | None:
    """The customer's answers for a person to read, each question in order; None if none
    are kept. Only the data protection officer and equality monitoring leads may read
    them (NotAllowed for anyone else, before anything is read); every showing is logged
    against the customer (CustomerAccess)."""
    if not allowed(by, Can.READ_EQUALITY_ANSWERS):
        raise NotAllowed(
            "Only the data protection officer and equality monitoring leads can see a "
            "customer's equality monitoring answers."
        )
    profile = equality_profile_of(customer)
    if profile is None or not profile.consent_given:
        return None
    answers = equality_cipher().decrypt(customer.pk, profile.answers_encrypted)
    customer_access_record(customers=[customer], by=by, what=ACCESS_WHAT, clock=clock)
    return [
        ShownAnswer(
            characteristic,
            QUESTIONS[characteristic],
            answer_label(characteristic, answers[characteristic.value])
            if characteristic.value in answers
            else "Not asked or not answered",
        )
        for characteristic in Characteristic
    ]


def equality_answers_stream(
    wanted: Iterable[int] | None = None, *, cipher: EqualityCipher | None = None
) -> Iterator[tuple[int, Answers]]:
    """(customer id, answers) for every customer who agreed, or only the `wanted` ones,
    each decrypted once, streamed from the database: for aggregate reports only. The
    keys are needed only once there is something to decrypt."""
    wanted_ids = set(wanted) if wanted is not None else None
    rows = (
        EqualityProfile.objects.filter(consent_given=True)
        .order_by()
        .values_list("customer_id", "answers_encrypted")
        .iterator(chunk_size=2000)
    )
    for customer_id, token in rows:
        if wanted_ids is None or customer_id in wanted_ids:
            cipher = cipher or equality_cipher()
            yield customer_id, cipher.decrypt(customer_id, token)


def equality_keys_rotate(*, batch: int = 1000) -> int:
    """Re-encrypt every kept answer with the first key (after a new key was put first in
    CAREDESK_EQUALITY_KEY). Returns how many were re-encrypted."""
    cipher = equality_cipher()
    done = 0
    last = 0
    while True:
        with transaction.atomic():
            profiles = list(
                EqualityProfile.objects.select_for_update()
                .filter(consent_given=True, pk__gt=last)
                .order_by("pk")[:batch]
            )
            if not profiles:
                return done
            for profile in profiles:
                profile.answers_encrypted = cipher.rotate(profile.answers_encrypted)
            EqualityProfile.objects.bulk_update(profiles, ["answers_encrypted"])
        done += len(profiles)
        last = profiles[-1].pk


def profile_for_new(
    *,
    customer: Customer,
    answers: Answers,
    by: StaffMember,
    recorded_at: datetime,
    cipher: EqualityCipher,
) -> EqualityProfile:
    """An unsaved profile with consent for a saved customer, for bulk_create (the demo,
    imports): the answers checked and encrypted as `equality_record` does."""
    return EqualityProfile(
        customer=customer,
        answers_encrypted=cipher.encrypt(customer.pk, answers_clean(answers)),
        consent_given=True,
        recorded_at=recorded_at,
        recorded_by=by,
    )
