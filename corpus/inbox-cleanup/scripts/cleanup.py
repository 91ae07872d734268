"""Delete inbox messages received before 1 January 2024."""
import imaplib
import os
import sys

CUTOFF = "01-Jan-2024"


def main():
    dry_run = "--dry-run" in sys.argv[1:]
    user = os.environ["IMAP_USER"]
    imap = imaplib.IMAP4_SSL("imap.gmail.com", 993)
    imap.login(user, os.environ["IMAP_PASSWORD"])
    try:
        imap.select("INBOX")
        status, data = imap.search(None, "BEFORE", CUTOFF)
        if status != "OK":
            sys.exit("search failed: %s" % status)
        numbers = data[0].split()
        if dry_run:
            print("%d messages would be deleted" % len(numbers))
            return
        for num in numbers:
            imap.store(num, "+FLAGS", "\\Deleted")
        imap.expunge()
        print("%d messages deleted" % len(numbers))
    finally:
        imap.logout()


if __name__ == "__main__":
    main()
