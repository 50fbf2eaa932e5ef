"""A year without a holiday calendar: deadlines that reach into it say so, the admins are told
from 1 November, and the year's calendar is entered from a file (command or admin form)."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Notification
from gridgov.errors import NotAllowed
from petitions import services, tasks
from petitions.calendar import CalendarEntry
from petitions.models import Appeal, CalendarDay
from petitions.modules import HOLIDAYS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def announced_calendar(db):
    # A transactional test before this one flushed the days the data migration entered.
    services.module_defaults_ensure(actor=None)


def staff_at(request, clock, day: datetime.date):
    """Moves the clock to `day` before the named people take their posts (they start "today")."""
    clock.move_to(day)
    return request.getfixturevalue("people")


def first_year_without_calendar() -> int:
    # The migration enters the announced years; nothing here assumes which they are.
    return CalendarDay.objects.latest("date").date.year + 1


def calendar_file(year: int) -> str:
    """The State Council's calendar of an announced year, in the file's format."""
    lines = [f"# {year} 国务院办公厅 节假日安排"]
    lines += [f"{day} off {name}" for day, name in HOLIDAYS[year]["off"]]
    lines += [f"{day} work" for day in HOLIDAYS[year]["work"]]
    return "\n".join(lines) + "\n"


def test_a_deadline_reaching_into_a_year_without_calendar_is_flagged_on_the_appeal_and_its_page(
    db, clock, request, client_for
):
    missing = first_year_without_calendar()
    people = staff_at(request, clock, datetime.date(missing - 1, 12, 28))
    appeal = request.getfixturevalue("make_appeal")("dispatched")
    assert appeal.deadline.year == missing
    assert Appeal.objects.get(pk=appeal.pk).deadline_calendar_missing == missing
    page = client_for(people.center, "zh-hans").get(reverse("appeal-detail", args=[appeal.pk])).content.decode()
    assert f"计算此期限时缺少 {missing} 年节假日安排" in page
    english = client_for(people.center).get(reverse("appeal-detail", args=[appeal.pk])).content.decode()
    assert f"Computed without the {missing} holiday calendar" in english


def test_a_deadline_inside_a_year_with_its_calendar_is_not_flagged(db, clock, request, client_for):
    known = first_year_without_calendar() - 1
    people = staff_at(request, clock, datetime.date(known, 3, 10))
    appeal = request.getfixturevalue("make_appeal")("dispatched")
    assert appeal.deadline.year == known and appeal.deadline_calendar_missing is None
    page = client_for(people.center, "zh-hans").get(reverse("appeal-detail", args=[appeal.pk])).content.decode()
    assert "deadline-calendar-missing" not in page


def test_an_extension_into_a_year_without_calendar_flags_the_new_deadline(db, clock, request):
    missing = first_year_without_calendar()
    people = staff_at(request, clock, datetime.date(missing - 1, 12, 1))
    appeal = request.getfixturevalue("make_appeal")("in_progress")
    assert appeal.deadline_calendar_missing is None
    services.appeal_request_extension(actor=people.zhongxin, appeal=appeal, days=20, reason="需要协调多个部门")
    appeal = services.appeal_decide_extension(actor=people.center, appeal=appeal, approve=True)
    assert appeal.deadline.year == missing
    assert Appeal.objects.get(pk=appeal.pk).deadline_calendar_missing == missing


def test_from_the_first_of_november_the_admins_are_told_once_that_next_years_calendar_is_missing(db, clock, request):
    missing = first_year_without_calendar()
    people = staff_at(request, clock, datetime.date(missing - 1, 10, 31))
    assert tasks.notify_missing_calendar() == []
    clock.move_to(datetime.date(missing - 1, 11, 1))
    assert tasks.notify_missing_calendar() == [missing]
    clock.shift(datetime.timedelta(days=1))
    assert tasks.notify_missing_calendar() == [missing]  # the beat runs daily: still one notice
    notices = Notification.objects.filter(key=f"calendar-missing:{missing}")
    assert [n.recipient for n in notices] == [people.admin]
    assert str(missing) in notices.get().title
    assert notices.get().url == reverse("admin:petitions_calendarday_import")


def test_a_year_whose_calendar_is_entered_brings_no_notice(db, clock, request, tmp_path):
    year = first_year_without_calendar() - 1
    CalendarDay.objects.filter(date__year=year).delete()
    staff_at(request, clock, datetime.date(year, 1, 5))
    assert services.calendar_missing_notify() == [year]  # this year's calendar is missing too
    path = tmp_path / "calendar.txt"
    path.write_text(calendar_file(year), encoding="utf-8")
    call_command("calendar_load", str(path), "--commit", stdout=io.StringIO())
    Notification.objects.all().delete()
    assert services.calendar_missing_notify(today=datetime.date(year, 6, 1)) == []
    assert not Notification.objects.exists()


def test_calendar_load_is_a_dry_run_unless_told_to_commit(tmp_path):
    year = first_year_without_calendar() - 1
    announced = {d.date: (d.is_workday, d.name) for d in CalendarDay.objects.filter(date__year=year)}
    CalendarDay.objects.filter(date__year=year).delete()
    path = tmp_path / "calendar.txt"
    path.write_text(calendar_file(year), encoding="utf-8")

    out = io.StringIO()
    call_command("calendar_load", str(path), stdout=out)
    assert f"Dry run: {len(announced)} of {len(announced)} days would change ({year})" in out.getvalue()
    assert not CalendarDay.objects.filter(date__year=year).exists()

    out = io.StringIO()
    call_command("calendar_load", str(path), "--commit", stdout=out)
    assert f"Wrote {len(announced)} of {len(announced)} days" in out.getvalue()
    assert {d.date: (d.is_workday, d.name) for d in CalendarDay.objects.filter(date__year=year)} == announced
    # Loading it again changes nothing.
    out = io.StringIO()
    call_command("calendar_load", str(path), "--commit", stdout=out)
    assert "Wrote 0 of" in out.getvalue()


def test_calendar_load_names_every_bad_line_and_writes_nothing(tmp_path):
    year = first_year_without_calendar()
    saturday = next(datetime.date(year, 1, 1) + datetime.timedelta(days=n) for n in range(7)
                    if (datetime.date(year, 1, 1) + datetime.timedelta(days=n)).weekday() == 5)  # fmt: skip
    monday = saturday + datetime.timedelta(days=2)
    path = tmp_path / "calendar.txt"
    path.write_text(
        f"{saturday} work\n"  # a good line: written only if all are good
        f"{year}-02-30 off 春节\n"
        f"{monday} holiday 春节\n"
        f"{monday} work\n"
        f"{monday} off\n"
        f"{saturday} off 元旦\n"
        f"{saturday}\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as caught:
        call_command("calendar_load", str(path), "--commit", stdout=io.StringIO())
    message = str(caught.value)
    for expected in (
        f"Line 2: “{year}-02-30” is not a date",
        "Line 3: “holiday” is neither off nor work",
        f"Line 4: {monday} is a weekday",
        f"Line 5: name the holiday of {monday}",
        f"Line 6: {saturday} is already on line 1",
        "Line 7: expected",
    ):
        assert expected in message
    assert not CalendarDay.objects.filter(date__year=year).exists()
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("calendar_load", str(tmp_path / "absent.txt"), stdout=io.StringIO())
    (tmp_path / "empty.txt").write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(CommandError, match="lists no days"):
        call_command("calendar_load", str(tmp_path / "empty.txt"), stdout=io.StringIO())


def test_the_admin_enters_a_year_from_the_form_after_a_preview(people, client_for):
    year = first_year_without_calendar() - 1
    count = CalendarDay.objects.filter(date__year=year).count()
    CalendarDay.objects.filter(date__year=year).delete()
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = client_for(admin, "zh-hans")
    url = reverse("admin:petitions_calendarday_import")
    assert url in client.get(reverse("admin:petitions_calendarday_changelist")).content.decode()

    preview = client.post(url, {"days": calendar_file(year), "preview": "1"})
    assert preview.status_code == 200 and "calendar-changes" in preview.content.decode()
    assert not CalendarDay.objects.filter(date__year=year).exists()

    bad = client.post(url, {"days": f"{year}-13-01 off 元旦\n", "commit": "1"})
    assert bad.status_code == 200 and "第 1 行" in bad.content.decode()
    assert not CalendarDay.objects.filter(date__year=year).exists()

    done = client.post(url, {"days": calendar_file(year), "commit": "1"})
    assert done.status_code == 302
    assert CalendarDay.objects.filter(date__year=year).count() == count


def test_only_administrators_may_enter_a_calendar(people, client_for):
    staff = UserFactory(username="clerk", is_staff=True)
    assert client_for(staff).get(reverse("admin:petitions_calendarday_import")).status_code == 403
    entries = [CalendarEntry(1, datetime.date(2030, 1, 1), False, "元旦")]
    with pytest.raises(NotAllowed):
        services.calendar_days_import(actor=people.center, entries=entries)
    assert not CalendarDay.objects.filter(date__year=2030).exists()
