"""htmx helpers: one URL, one view, one template; a named block for partial requests."""

from flask import current_app, g, make_response, redirect, render_template, request
from flask_login import current_user


def is_htmx():
    """The request was sent by htmx (of any kind)."""
    return request.headers.get("HX-Request") == "true"


def is_partial():
    """htmx wants a fragment: not a boosted navigation and not a history restore."""
    h = request.headers
    return is_htmx() and "HX-Boosted" not in h and "HX-History-Restore-Request" not in h


def is_navigasi_boost():
    """A signed-in user's boosted navigation (a link or GET form under hx-boost): answered
    with the main content only (see base.html), not the whole page."""
    h = request.headers
    return (request.method in ("GET", "HEAD") and h.get("HX-Request") == "true"
            and h.get("HX-Boosted") == "true" and "HX-History-Restore-Request" not in h
            and current_user.is_authenticated)


def utama_saja():
    """For base.html: render only <title>, the header (out of band) and the content of
    <main>. Remembered for `arahkan_ke_utama`, which points htmx's swap at <main>."""
    if "utama_saja" not in g:
        g.utama_saja = is_navigasi_boost()
    return g.utama_saja


def arahkan_ke_utama(response):
    """After a page rendered as main content only: swap it into <main id="konten"> (the
    boosted link itself targets <body>) and scroll to the top as a page load would. Every
    HTML answer varies with the htmx headers (a shared or back/forward cache must never
    hand a fragment to a full page load)."""
    if response.mimetype == "text/html":
        response.vary.add("HX-Request")
        response.vary.add("HX-Boosted")
        if g.get("utama_saja"):
            response.headers["HX-Retarget"] = "#konten"
            response.headers["HX-Reswap"] = "innerHTML show:window:top"
    return response


def render(template, block=None, status=200, **context):
    """The named block for a partial request, the full page otherwise."""
    if block and is_partial():
        context["fragmen"] = True  # e.g. a wizard step adds its <title> for htmx
        current_app.update_template_context(context)
        tmpl = current_app.jinja_env.get_template(template)
        html = "".join(tmpl.blocks[block](tmpl.new_context(context)))
    else:
        html = render_template(template, **context)
    response = make_response(html, status)
    response.vary.add("HX-Request")
    return response


def hx_redirect(url):
    """Post/Redirect/Get that also works for htmx (a 302 would be followed invisibly)."""
    if is_partial():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, 303)


def pindah(url, tampilkan):
    """After a successful POST: for htmx, the next view in the same response (one request,
    with the address bar updated); without JavaScript, Post/Redirect/Get."""
    if is_partial():
        response = tampilkan()
        response.headers["HX-Push-Url"] = url
        return response
    return redirect(url, 303)
