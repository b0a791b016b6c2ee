"""The errors services raise. A view or API endpoint turns them into messages."""


class Refused(Exception):
    """The act breaks a rule of Instep or of the couple's agreement.

    ``message`` is shown to the person as it is; ``field`` names the form field
    it belongs to, if any. Services raise it inside their transaction, so a
    refusal changes nothing.
    """

    status = 400

    def __init__(
        self, message: str, *, field: str | None = None, code: str = "refused"
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class NotAllowed(Refused):
    """The person is a member of the dynamic, but their role may not do this."""

    status = 403

    def __init__(self, message: str, *, code: str = "not_allowed"):
        super().__init__(message, code=code)
