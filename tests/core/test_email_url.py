"""EMAIL_URL (core/email_url.py): every scheme of the contract, and clear refusals."""

import pytest

from core.email_url import CONSOLE_BACKEND, FILE_BACKEND, SMTP_BACKEND, parse_email_url


def test_it_reads_plain_smtp_with_credentials_and_port():
    config = parse_email_url("smtp://ann%40mail:s%3Acret@mail.example.com:2525")
    assert config["BACKEND"] == SMTP_BACKEND
    options = config["OPTIONS"]
    assert (options["host"], options["port"]) == ("mail.example.com", 2525)
    assert (options["username"], options["password"]) == ("ann@mail", "s:cret")
    assert not options["use_tls"] and not options["use_ssl"]


@pytest.mark.parametrize(
    ("url", "port", "tls", "ssl"),
    [
        ("smtp://localhost", 25, False, False),
        ("smtp+tls://u:p@smtp.example.com", 587, True, False),
        ("smtp+ssl://u:p@smtp.example.com", 465, False, True),
        ("smtp+tls://u:p@smtp.example.com:2587", 2587, True, False),
        ("SMTP+SSL://u:p@smtp.example.com:1465/", 1465, False, True),
    ],
)
def test_it_gives_each_smtp_scheme_its_port_and_encryption(url, port, tls, ssl):
    config = parse_email_url(url)
    assert config["BACKEND"] == SMTP_BACKEND
    options = config["OPTIONS"]
    assert (options["port"], options["use_tls"], options["use_ssl"]) == (port, tls, ssl)


def test_it_reads_console_and_file_urls():
    assert parse_email_url("console:") == {"BACKEND": CONSOLE_BACKEND, "OPTIONS": {}}
    config = parse_email_url("file:///var/mail/mentor%20hub")
    assert config == {"BACKEND": FILE_BACKEND, "OPTIONS": {"file_path": "/var/mail/mentor hub"}}


def test_it_reads_a_timeout_option():
    assert parse_email_url("smtp://localhost?timeout=3")["OPTIONS"]["timeout"] == 3
    assert parse_email_url("smtp://localhost")["OPTIONS"]["timeout"] == 10


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("", "unsupported scheme"),
        ("http://mail.example.com", "unsupported scheme"),
        ("smtps://mail.example.com", "unsupported scheme"),
        ("smtp://", "missing the host"),
        ("smtp://mail.example.com:99999", "port"),
        ("smtp://mail.example.com:abc", "port"),
        ("smtp://mail.example.com/inbox", "no path"),
        ("file://relative/dir", "absolute"),
        ("console:something", "nothing after"),
        ("smtp://localhost?timeout=soon", "timeout"),
        ("smtp://localhost?tls=1", "unknown option"),
    ],
)
def test_it_refuses_what_it_cannot_use_with_a_clear_message(url, words):
    with pytest.raises(ValueError, match=words):
        parse_email_url(url)


def test_a_bad_email_url_stops_the_settings_with_improperly_configured(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import mentorhub.settings as project_settings

    monkeypatch.setenv("EMAIL_URL", "smtps://nowhere")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        importlib.reload(project_settings)
    monkeypatch.setenv("EMAIL_URL", "smtp+tls://u:p@mail.example.com")
    reloaded = importlib.reload(project_settings)
    options = reloaded.MAILERS["default"]["OPTIONS"]
    assert options["use_tls"] is True and options["port"] == 587
    assert reloaded.DEFAULT_FROM_EMAIL == "MentorHub <no-reply@localhost>"
