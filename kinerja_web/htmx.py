"""htmx helpers: one URL, one view, one template; a named block for partial requests."""

from flask import current_app, make_response, redirect, render_template, request


def is_htmx():
    """The request was sent by htmx (of any kind)."""
    return request.headers.get("HX-Request") == "true"


def is_partial():
    """htmx wants a fragment: not a boosted navigation and not a history restore."""
    h = request.headers
    return is_htmx() and "HX-Boosted" not in h and "HX-History-Restore-Request" not in h


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
