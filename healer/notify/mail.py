"""Email through SMTP: STARTTLS with the server's certificate checked, then a login, then one message.

Named `mail`, not `email`, so that nothing could mistake it for the standard library's package.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from healer.config.settings import EmailSettings
from healer.notify.message import Delivery, Message


class Email:
    name = "email"

    def __init__(self, settings: EmailSettings, *, password: str | None = None) -> None:
        self.settings = settings
        self.password = password

    def compose(self, message: Message) -> EmailMessage:
        mail = EmailMessage()
        # A header holds one line: a title with a line break in it would start headers of its own.
        mail["Subject"] = " ".join(message.title.split())
        mail["From"] = self.settings.sender
        mail["To"] = ", ".join(self.settings.to)
        mail["Date"] = formatdate(localtime=True)
        mail["Message-ID"] = make_msgid(domain=self.settings.sender.rpartition("@")[2])
        mail["X-Healer-Level"] = message.level
        text = message.body
        if message.url:
            text = f"{text}\n\n{message.url}" if text else message.url
        mail.set_content(text + "\n")
        return mail

    def deliver(self, message: Message) -> Delivery:
        settings = self.settings
        where = f"{settings.host}:{settings.port}"
        if settings.user is not None and not self.password:
            return self._failed(f"${settings.password_env} is not set, so {settings.user} cannot log in")
        try:
            with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as server:
                if settings.starttls:
                    server.ehlo()
                    if not server.has_extn("starttls"):
                        # Never fall back to plain text: the login and the message would cross the network readable.
                        return self._failed(f"{where} does not offer STARTTLS (starttls = false only for a server "
                                            "on this machine or a network you trust)")  # fmt: skip
                    server.starttls(context=ssl.create_default_context())
                    server.ehlo()
                if settings.user is not None and self.password is not None:
                    server.login(settings.user, self.password)
                refused = server.send_message(self.compose(message))
        except smtplib.SMTPAuthenticationError as error:
            return self._failed(f"{where} refused the login of {settings.user} ({error.smtp_code})")
        except smtplib.SMTPNotSupportedError as error:
            return self._failed(f"{where}: {error}")
        except smtplib.SMTPRecipientsRefused as error:
            return self._failed(f"{where} refused every recipient ({', '.join(sorted(error.recipients))})")
        except smtplib.SMTPResponseException as error:
            said = error.smtp_error
            said = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
            return self._failed(f"{where} answered {error.smtp_code} {said}".strip())
        except ssl.SSLCertVerificationError as error:
            return self._failed(f"{where}: its certificate cannot be trusted ({error.verify_message})")
        except ssl.SSLError as error:
            return self._failed(f"{where}: TLS failed ({error.reason or error})")
        except TimeoutError:
            return self._failed(f"{where} did not answer in {settings.timeout:g} s")
        except (OSError, smtplib.SMTPException) as error:
            said = getattr(error, "strerror", None) or str(error) or type(error).__name__
            return self._failed(f"cannot send through {where}: {said}")
        if refused:
            return Delivery(self.name, True, f"email: sent, but {where} refused {', '.join(sorted(refused))}")
        return Delivery(self.name, True, f"email: sent to {', '.join(settings.to)}")

    def _failed(self, why: str) -> Delivery:
        return Delivery(self.name, False, f"email: not sent: {why}")
