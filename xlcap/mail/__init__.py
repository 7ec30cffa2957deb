"""Mailing each manager their workbook exactly once: the message, SMTP, the send log."""
