"""Uploads between their preview and their confirmation (the Excel page and the admin's list import).

django-import-export keeps them in the system's temp folder by default, where a preview that is
never confirmed stays for good. Here they go to the "uploads" cache on disk, shared by every web
process, and one that is not confirmed within a day (``CACHE_LIFETIME``) expires.
"""

from __future__ import annotations

from uuid import uuid4

from django.core.cache import caches
from import_export.tmp_storages import CacheStorage

CACHE_ALIAS = "uploads"


class PendingUploadStorage(CacheStorage):
    """``read()`` gives None once the upload has expired or been removed."""

    CACHE_LIFETIME = 24 * 3600
    name: str | None  # the upload's token, set by import-export's BaseStorage from the name= it is given

    def save(self, data):
        if not self.name:
            self.name = uuid4().hex
        caches[CACHE_ALIAS].set(self._key, data, self.CACHE_LIFETIME)

    def read(self):
        return caches[CACHE_ALIAS].get(self._key)

    def claim(self) -> bool:
        """True for the first confirmation of a stored upload, False for any other (at the same time or later)."""
        cache = caches[CACHE_ALIAS]
        return cache.has_key(self._key) and cache.add("claimed:" + self._key, True, self.CACHE_LIFETIME)

    def remove(self):
        caches[CACHE_ALIAS].delete(self._key)

    @property
    def _key(self) -> str:
        if self.name is None:
            raise TypeError("an upload is named when it is saved or when the storage is made with name=")
        return self.CACHE_PREFIX + self.name
