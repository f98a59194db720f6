"""What a person sees on a phone, measured in a real Chromium (Playwright pages): shared by
the crawl (tests/e2e/test_jelajah.py) and the daily paths (tests/e2e/test_jalur_harian.py).
"""

LEBAR = 360
# Radio and checkbox labels, buttons, selects and fields: 44 px (the platforms' touch
# guideline, for the controls a principal taps between classes); links: 24 px, WCAG 2.2
# "Target Size (Minimum)" (2.5.8). Half a pixel for rounding.
TINGGI_KONTROL = 44
TINGGI_TAUTAN = 24


def lebar_lebih(page, lebar=LEBAR):
    """What is wider than the phone: the page's width and the widest overflowing elements."""
    return page.evaluate("""(lebar) => {
      const w = document.documentElement.scrollWidth;
      if (w <= lebar) return null;
      const luar = [...document.querySelectorAll('body *')].filter(e =>
        e.getBoundingClientRect().right > lebar + 0.5
        && e.parentElement.getBoundingClientRect().right <= lebar + 0.5
      ).slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
        + ' (' + Math.round(e.getBoundingClientRect().right) + ' px)');
      return w + ' px: ' + luar.join(', ');
    }""", lebar)


def judul_beda(page):
    """The <title> and <h1> when the title does not start with the heading."""
    h1 = page.locator("h1")
    if h1.count() != 1:
        return f"{h1.count()} <h1>"
    teks = " ".join(h1.inner_text().split())
    judul = " ".join(page.title().split())
    return None if judul.startswith(teks) else f"title {judul!r}, h1 {teks!r}"


def target_kecil(page):
    """Visible controls whose hit area is below the minimum: ['what (height px)']. A radio
    or checkbox counts by its label (the label is what a finger taps)."""
    return page.evaluate("""([kontrol, tautan]) => {
      const hasil = [];
      const tampak = e => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'
          && !e.closest('.lompat, .sr, [hidden]');
      };
      const nama = e => e.tagName.toLowerCase() + ' "' + (e.innerText || e.value
        || e.getAttribute('aria-label') || '').trim().split('\\n')[0].slice(0, 40) + '"';
      const cek = (e, min) => {
        const h = e.getBoundingClientRect().height;
        if (tampak(e) && h < min - 0.5) hasil.push(nama(e) + ' (' + Math.round(h) + ' px)');
      };
      document.querySelectorAll('button, .tombol, select, input:not([type=hidden],'
        + '[type=radio],[type=checkbox])').forEach(e => cek(e, kontrol));
      document.querySelectorAll('input[type=radio], input[type=checkbox]').forEach(e =>
        cek(e.labels && e.labels[0] || e, kontrol));
      document.querySelectorAll('a[href]:not(.tombol)').forEach(e => cek(e, tautan));
      return [...new Set(hasil)];
    }""", [TINGGI_KONTROL, TINGGI_TAUTAN])
