from tests.access import Entry, expect

ENTRIES = [
    Entry("home", expect=expect(member=302, secretary=200, staff=200, staff_other=200,
                                official_other=200)),
    Entry("login", expect=expect(anonymous=200, member=302, secretary=302, staff=302,
                                 staff_other=302, official_other=302, official=302)),
    Entry("logout", method="post", expect=expect(anonymous=302, member=302, secretary=302,
                                                 staff=302, staff_other=302, official_other=302,
                                                 official=302)),
    # The web app manifest: the same for everyone, linked from every page, login page included.
    Entry("manifest", expect=expect(anonymous=200, member=200, staff_other=200,
                                    official_other=200)),
    Entry("password_change", expect=expect(member=200, staff_other=200, official_other=200)),
    Entry("password_change_done", expect=expect(member=200, staff_other=200,
                                                official_other=200)),
    # The load balancer's probe: the same "ok" for everyone (details for superusers only).
    Entry("healthz", expect=expect(anonymous=200, member=200, secretary=200, staff=200,
                                   staff_other=200, official_other=200, official=200)),
]
