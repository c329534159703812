"""Web addresses: the host of a URL and the domain an organisation registered (public suffix list
bundled in the ``tld`` package, never downloaded)."""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["host_of", "registered_domain", "domain_label"]


def host_of(url: str | None) -> str | None:
    """The host name of `url` (a bare "example.org/path" too), or None."""
    if not url:
        return None
    try:
        return urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None


def registered_domain(url: str | None) -> str | None:
    """The domain an organisation registered, read from a URL with the public suffix list bundled in
    the ``tld`` package (never downloaded): ``www.bbc.co.uk`` -> ``bbc.co.uk``. A host under a
    suffix the list does not know (``news.example``) is kept whole, without ``www.``; an IP address
    or a bare host name gives None.

    Examples
    --------
    >>> registered_domain("https://edition.cnn.com/2022/03/01/europe/kyiv")
    'cnn.com'
    >>> registered_domain("https://www.bbc.co.uk/news/world-europe-1")
    'bbc.co.uk'
    >>> registered_domain("http://192.168.1.4/page") is None
    True
    """
    from tld import get_fld

    host = host_of(url)
    if not host or "." not in host or host.replace(".", "").isdigit() or ":" in host:
        return None
    found = get_fld(host, fail_silently=True, fix_protocol=True)
    return found or host.removeprefix("www.")


def domain_label(url: str | None) -> str | None:
    """The name part of the registered domain, as a word a text would use: ``bbc.co.uk`` -> ``bbc``.

    Examples
    --------
    >>> domain_label("https://www.kyivpost.com/post/1")
    'kyivpost'
    """
    domain = registered_domain(url)
    return domain.split(".")[0] if domain else None
