"""The committee's settings for the whole site: the site language (Chinese unless the committee
says otherwise) and whether an anonymous visitor's browser language may choose instead.

The language of a request (learnapp.i18n.select_locale): the signed-in person's own choice, else
the site language; an anonymous visitor's choice on the language switch, else their browser's
language when the committee allows it, else the site language.
"""
