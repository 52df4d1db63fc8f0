"""The store: owner and access details in store.toml, secrets only through a keyring.

Modules, in the order data flows: :mod:`.catalog` (names, sections, which fields are
secret), :mod:`.storefile` (store.toml), :mod:`.store` (the API), :mod:`.backend` and
:mod:`.filekeyring` (where secrets live), :mod:`.crypto` (passphrase encryption),
:mod:`.seal` (the sealed hand-over file), :mod:`.commands` (what the CLI calls) and
:mod:`.view` (the secret-free picture the pack renders).

Nothing is imported here, so `launchwizard.store.view` stays cheap for the pack.
"""
