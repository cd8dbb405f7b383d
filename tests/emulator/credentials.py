"""Who is calling: Basic users, API keys (raw or after `Bearer `) and bearer tokens."""

import base64
import binascii
import hmac


class Caller:
    """An authenticated caller; scopes is None for full access (users and tokens).

    label names the credential in the request log without giving it away: "user:<name>", or
    "api_key:<n>" / "token:<n>", the position of the key or token in the fixtures (from 1).
    """

    def __init__(self, kind, scopes=None, label=None):
        self.kind = kind
        self.scopes = scopes
        self.label = label

    def may(self, scope):
        return self.scopes is None or scope in self.scopes


class Credentials:
    """The users, API keys and tokens of the fixtures; fixed for the life of the server."""

    def __init__(self, fixtures):
        self._passwords = {user["username"]: user["password"] for user in fixtures.get("users", [])}
        self._key_scopes = {
            api_key["key"]: frozenset(
                api_key.get(
                    "scopes",
                    [])) for api_key in fixtures.get(
                "api_keys",
                [])}
        self._key_numbers = {api_key["key"]: number for number, api_key in enumerate(fixtures.get("api_keys", []), 1)}
        self._token_numbers = {token: number for number, token in enumerate(fixtures.get("tokens", []), 1)}

    def identify(self, authorization):
        """Return the Caller that the Authorization header value proves, or None."""
        if not authorization:
            return None
        scheme, _space, credential = authorization.strip().partition(" ")
        credential = credential.strip()
        if scheme.lower() == "basic":
            return self._basic(credential)
        if scheme.lower() == "bearer":
            return self._bearer(credential)
        # The official client sends an API key bare, without any scheme.
        return self._api_key(authorization.strip())

    def _basic(self, credential):
        try:
            decoded = base64.b64decode(credential, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        username, separator, password = decoded.partition(":")
        expected = self._passwords.get(username)
        if not separator or expected is None:
            return None
        if not hmac.compare_digest(password.encode("utf-8"), expected.encode("utf-8")):
            return None
        return Caller("user", label="user:" + username)

    def _bearer(self, credential):
        if credential in self._token_numbers:
            return Caller("token", label="token:%d" % self._token_numbers[credential])
        return self._api_key(credential)

    def _api_key(self, key):
        scopes = self._key_scopes.get(key)
        if scopes is None:
            return None
        return Caller("api_key", scopes, label="api_key:%d" % self._key_numbers[key])
