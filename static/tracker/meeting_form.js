// The meeting form's times are in the meeting's own time zone, whose offset on the meeting's date is stated
// under each time. Django's admin would add "You are N hours ahead of server time", computed from today's
// offset of that zone and the browser's: wrong for a July meeting in December, and beside the point.
// Removing the server offset before the admin's date-time widgets start (on "load") leaves that note out.
document.addEventListener("DOMContentLoaded", function () {
    delete document.body.dataset.adminUtcOffset;
});
