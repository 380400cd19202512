"""The notice list, opening a notice, and marking them all read; each user sees only their own."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notices.models import Notice, NoticeKind
from projects.services import review

pytestmark = pytest.mark.django_db

LIST = reverse("notices:list")


@pytest.fixture
def returned(people, make_filing):
    """A filing of unit A returned through the review page, as a reviewer does it."""
    filing = make_filing(people.unit_a, name="大厅运行保障")
    review.filing_submit(filing=filing, user=people.owner)
    return filing


def _return_on_the_page(client, people, filing, reason):
    client.force_login(people.reviewer)
    response = client.post(reverse("projects:filing_return", args=[filing.pk]), {"reason": reason})
    assert response.status_code == 302
    client.logout()


def test_a_return_on_the_review_page_shows_in_the_filers_list_with_its_reason(client, people, returned):
    _return_on_the_page(client, people, returned, "服务人次目标偏低，请按上年实际调整")
    client.force_login(people.owner)
    html = client.get(LIST).content.decode()
    assert f"孙审核退回了“{returned.title}”" in html
    assert "退回原因：服务人次目标偏低，请按上年实际调整" in html
    assert "共 1 条通知，其中 1 条未读" in html
    assert reverse("notices:open", args=[Notice.objects.get().pk]) in html


def test_a_batch_approval_on_the_queue_page_shows_in_the_filers_list(client, people, make_filing):
    filings = [make_filing(people.unit_a, name=name) for name in ("甲项目", "乙项目")]
    for filing in filings:
        review.filing_submit(filing=filing, user=people.owner)
    client.force_login(people.reviewer)
    client.post(reverse("projects:batch_approve"), {"selected": [f.pk for f in filings], "comment": "同意"})
    client.force_login(people.owner)
    notices = list(client.get(LIST).context["page"].object_list)
    assert sorted(n.filing_id for n in notices) == sorted(f.pk for f in filings)
    assert {(n.kind, n.details) for n in notices} == {(NoticeKind.APPROVED, "审核意见：同意")}


def test_the_list_puts_unread_notices_first_then_the_newest(client, people, make_filing):
    filing = make_filing(people.unit_a)
    now = timezone.now()

    def notice(name, minutes_ago, read):
        return Notice.objects.create(
            recipient=people.owner,
            filing=filing,
            kind=NoticeKind.APPROVED,
            message=name,
            created_at=now - timedelta(minutes=minutes_ago),
            read_at=now if read else None,
        )

    notice("已读新", 1, True), notice("未读旧", 30, False), notice("已读旧", 40, True), notice("未读新", 5, False)
    client.force_login(people.owner)
    page = client.get(LIST).context["page"]
    assert [n.message for n in page.object_list] == ["未读新", "未读旧", "已读新", "已读旧"]


def test_opening_a_notice_marks_it_read_and_leads_to_the_filing(client, people, returned):
    review.filing_return(filing=returned, user=people.reviewer, reason="请补充")
    notice = Notice.objects.get()
    client.force_login(people.owner)
    response = client.get(reverse("notices:open", args=[notice.pk]))
    assert response.url == reverse("projects:filing_detail", args=[returned.pk])
    notice.refresh_from_db()
    first_read = notice.read_at
    assert first_read is not None
    client.get(reverse("notices:open", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.read_at == first_read
    assert "共 1 条通知</span>" in client.get(LIST).content.decode()


def test_nobody_opens_or_reads_another_users_notice(client, people, returned):
    review.filing_return(filing=returned, user=people.reviewer, reason="请补充")
    notice = Notice.objects.get()
    for who in ("colleague", "reviewer", "administrator"):
        client.force_login(getattr(people, who))
        assert client.get(reverse("notices:open", args=[notice.pk])).status_code == 404
        assert list(client.get(LIST).context["page"].object_list) == []
        client.post(reverse("notices:read_all"))
    notice.refresh_from_db()
    assert notice.read_at is None
    client.force_login(people.owner)
    assert client.get(reverse("notices:open", args=[notice.pk + 1000])).status_code == 404


def test_all_are_marked_read_with_one_post(client, people, make_filing):
    filings = [make_filing(people.unit_a, name=f"项目{n}") for n in range(3)]
    for filing in filings:
        review.filing_submit(filing=filing, user=people.owner)
        review.filing_approve(filing=filing, user=people.reviewer)
    theirs = make_filing(people.unit_b)
    review.filing_submit(filing=theirs, user=people.colleague)
    review.filing_approve(filing=theirs, user=people.other_reviewer)
    client.force_login(people.owner)
    assert "全部标为已读" in client.get(LIST).content.decode()
    assert client.get(reverse("notices:read_all")).status_code == 405
    response = client.post(reverse("notices:read_all"), follow=True)
    assert "已将 3 条通知标为已读" in response.content.decode()
    assert "全部标为已读" not in response.content.decode()
    assert not Notice.objects.filter(recipient=people.owner, read_at__isnull=True).exists()
    assert Notice.objects.get(recipient=people.colleague).read_at is None


def test_a_user_without_notices_sees_an_empty_list(client, people):
    client.force_login(people.outsider)
    html = client.get(LIST).content.decode()
    assert "暂无通知" in html and "全部标为已读" not in html


def test_the_pages_ask_anonymous_visitors_to_sign_in(client, people):
    for url in (LIST, reverse("notices:open", args=[1])):
        assert client.get(url).url.startswith(reverse("login"))
    assert client.post(reverse("notices:read_all")).url.startswith(reverse("login"))
