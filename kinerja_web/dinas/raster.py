"""Child process of logo.py: draws one already-checked SVG (stdin) as a PNG (stdout) of the
given size with CairoSVG. It limits its own CPU time and address space before reading
anything, so a costly SVG (deep filters, huge paths) gets the process killed, and it fetches
nothing: every URL is refused. Run with `python -I raster.py WIDTH HEIGHT CPU_S MEMORY_B`."""

import resource
import sys


def tolak(url, resource_type=None):
    raise ValueError(f"URL ditolak: {url}")


def main():
    lebar, tinggi, detik, memori = (int(a) for a in sys.argv[1:5])
    resource.setrlimit(resource.RLIMIT_CPU, (detik, detik))
    resource.setrlimit(resource.RLIMIT_AS, (memori, memori))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    from cairosvg.surface import PNGSurface  # after the limits: nothing escapes them

    svg = sys.stdin.buffer.read(1024 * 1024 + 1)
    if len(svg) > 1024 * 1024:
        sys.exit(2)
    png = PNGSurface.convert(bytestring=svg, output_width=lebar, output_height=tinggi,
                             url_fetcher=tolak, unsafe=False)
    sys.stdout.buffer.write(png)


if __name__ == "__main__":
    main()
