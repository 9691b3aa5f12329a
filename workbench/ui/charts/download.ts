/**
 * Charts as files: the chart's SVG as drawn (with its own styles inlined by Plot), or a PNG at
 * twice the on-screen size. Everything happens in the page; nothing is uploaded.
 */

/** The chart's main `<svg>` (Plot wraps it in a `<figure>` when there is a legend). */
export function chartSvg(chart: Element): SVGSVGElement | undefined {
  if (chart instanceof SVGSVGElement) return chart;
  const svgs = [...chart.querySelectorAll('svg')];
  return svgs.find((s) => s.classList.length > 0 && s.querySelector('g')) ?? svgs.at(-1);
}

/** The SVG as standalone text, with the namespaces a file needs. */
export function svgText(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('xmlns:xlink', 'http://www.w3.org/1999/xlink');
  if (!copy.getAttribute('width')) copy.setAttribute('width', String(svg.clientWidth || 640));
  if (!copy.getAttribute('height')) copy.setAttribute('height', String(svg.clientHeight || 320));
  // A white background, so the file reads the same in a viewer with a dark theme.
  copy.style.background = 'white';
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}`;
}

function save(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadSvg(chart: Element, name: string): void {
  const svg = chartSvg(chart);
  if (!svg) return;
  save(new Blob([svgText(svg)], { type: 'image/svg+xml' }), `${name}.svg`);
}

/** Renders the SVG into a canvas at `scale` and saves it as PNG. */
export async function pngBlob(chart: Element, scale = 2): Promise<Blob | undefined> {
  const svg = chartSvg(chart);
  if (!svg) return undefined;
  const text = svgText(svg);
  const width = Number(svg.getAttribute('width')) || svg.clientWidth || 640;
  const height = Number(svg.getAttribute('height')) || svg.clientHeight || 320;
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.decoding = 'sync';
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('the chart could not be drawn as an image'));
      image.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) return undefined;
    ctx.fillStyle = 'white';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob | undefined>((resolve) => canvas.toBlob((b) => resolve(b ?? undefined), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

export async function downloadPng(chart: Element, name: string): Promise<void> {
  const blob = await pngBlob(chart);
  if (blob) save(blob, `${name}.png`);
}
