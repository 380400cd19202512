"""Uploads between their preview and their confirmation (the Excel page and the admin's list import).

django-import-export keeps them in the system's temp folder by default, where a preview that is
never confirmed stays for good. Here they go to the "uploads" cache on disk, shared by every web
process, and one that is not confirmed within a day (``CACHE_LIFETIME``) expires.

An upload that cannot be kept (the cache's folder is read-only or full, a shared cache does not
answer) raises ``UploadsUnavailable``, whose message tells the person so; nothing has been imported
then. A confirmation claims its upload first, and the upload is removed once the import is over: an
upload claimed but still there was confirmed by a request that has not finished, or was killed (the
import writes all or nothing, so nothing of it was stored), and ``unavailable_message`` says so.
"""

from __future__ import annotations

import logging
from datetime import datetime
from uuid import uuid4

from django.core.cache import caches
from django.utils import timezone
from import_export.tmp_storages import CacheStorage

CACHE_ALIAS = "uploads"
logger = logging.getLogger(__name__)


class UploadsUnavailable(Exception):
    """The cache that keeps uploads awaiting confirmation cannot be written or read."""


SAVE_FAILED = "上传的文件无法暂存以等待确认：服务器的缓存目录不可写或已满。未导入任何内容，请稍后重试，或联系管理员。"
READ_FAILED = "待确认的文件无法读取：服务器的缓存目录不可用。未导入任何内容，请稍后重试，或联系管理员。"


class PendingUploadStorage(CacheStorage):
    """``read()`` gives None once the upload has expired or been removed."""

    CACHE_LIFETIME = 24 * 3600
    name: str | None  # the upload's token, set by import-export's BaseStorage from the name= it is given

    def save(self, data):
        if not self.name:
            self.name = uuid4().hex
        try:
            caches[CACHE_ALIAS].set(self._key, data, self.CACHE_LIFETIME)
        except Exception as error:  # any backend's: OSError, sqlite3's, Redis's, the database's
            logger.error("待确认的上传无法暂存", exc_info=True)
            raise UploadsUnavailable(SAVE_FAILED) from error

    def read(self):
        try:
            return caches[CACHE_ALIAS].get(self._key)
        except Exception as error:
            logger.error("待确认的上传无法读取", exc_info=True)
            raise UploadsUnavailable(READ_FAILED) from error

    def claim(self) -> bool:
        """True for the first confirmation of a stored upload, False for any other (at the same time or later)."""
        try:
            cache = caches[CACHE_ALIAS]
            return cache.has_key(self._key) and cache.add(self._claim_key, timezone.now(), self.CACHE_LIFETIME)
        except Exception as error:
            logger.error("待确认的上传无法读取", exc_info=True)
            raise UploadsUnavailable(READ_FAILED) from error

    def claimed_at(self) -> datetime | None:
        """When the upload was confirmed, if it was."""
        try:
            claimed = caches[CACHE_ALIAS].get(self._claim_key)
        except Exception:
            logger.warning("待确认的上传的确认时间无法读取", exc_info=True)
            return None
        return claimed if isinstance(claimed, datetime) else None

    def unavailable_message(self) -> str:
        """Why a confirmation found nothing to import (after ``claim()`` or ``read()`` said so)."""
        claimed = self.claimed_at()
        if claimed is None:
            return "待确认的文件已过期（上传后 24 小时内未确认），请重新上传"
        when = timezone.localtime(claimed).strftime("%H:%M")
        try:
            unfinished = caches[CACHE_ALIAS].has_key(self._key)
        except Exception:
            unfinished = True
        if unfinished:
            return (
                f"该文件已于 {when} 确认导入，但导入没有完成：可能仍在进行，或处理它的进程已中断。"
                "导入要么全部写入、要么不写入；请稍后查看申报表是否已更新，如未更新请重新上传。"
            )
        return f"该文件已于 {when} 确认导入，导入已经结束，请查看申报表；如需再次导入请重新上传"

    def remove(self):
        """Best effort: an upload left behind expires anyway, and its claim keeps it from being imported again."""
        try:
            caches[CACHE_ALIAS].delete(self._key)
        except Exception:
            logger.warning("已导入的上传无法删除，将于到期后清除", exc_info=True)

    @property
    def _key(self) -> str:
        if self.name is None:
            raise TypeError("an upload is named when it is saved or when the storage is made with name=")
        return self.CACHE_PREFIX + self.name

    @property
    def _claim_key(self) -> str:
        return "claimed:" + self._key
