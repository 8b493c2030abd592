from __future__ import annotations

from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError

from annotator.exceptions import AnnotatorError

# Names that stand for something other than a person in exports and imports.
RESERVED_NAMES = frozenset({"gold", "model"})


def get_or_create_annotator(username: str) -> User:
    """The user named `username`, created with no usable password when missing (so
    annotations made elsewhere can be imported for agreement)."""
    if username in RESERVED_NAMES:
        raise AnnotatorError(f"{username!r} is reserved and cannot be an annotator's name", field="annotator")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise AnnotatorError(f"{username!r} is not a valid user name", field="annotator") from None
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username)
        user.set_unusable_password()
        user.save()
    return user
