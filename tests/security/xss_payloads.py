"""Stored-XSS corpus: every payload carries the token "xss" in what it injects.

A page is clean when none of these ran (no dialog, no console marker, no
request to /xss) and nothing they carry survives as markup: no element with a
`data-xss` attribute, no event-handler or htmx attribute mentioning xss, no
`javascript:` URL, no script with xss in it. Each payload is ≤ 100 characters
(the shortest field it goes into, a request/session topic, holds 100).
"""

MARKER = "XSS-MARKER"

PAYLOADS: list[str] = [
    "<script>console.log('XSS-MARKER');alert('xss')</script>",
    "<img src=x onerror=\"console.log('XSS-MARKER')\" data-xss>",
    '"><svg onload="console.log(\'XSS-MARKER\')" data-xss>',
    "'><a href=\"javascript:console.log('XSS-MARKER')\" data-xss>xss</a>",
    '<div hx-get="/xss" hx-trigger="load" data-xss>xss</div>',
    "<div hx-on::load=\"console.log('XSS-MARKER')\" data-xss>x</div>",
    "<iframe src=\"javascript:alert('xss')\" data-xss></iframe>",
    "</textarea><script>alert('xss')</script><textarea>",
    "</title><script>alert('xss')</script>",
    '" autofocus onfocus="console.log(\'XSS-MARKER\')" data-xss="',
    "<details open ontoggle=\"console.log('XSS-MARKER')\" data-xss>",
    "<b onmouseover=alert('xss') data-xss>broken <i>markup",
    "<math><mi xlink:href=\"javascript:alert('xss')\" data-xss>x</mi></math>",
    "javascript:alert('xss')",
    "{{ 7|add:7 }} {% csrf_token %} ${alert('xss')} #{xss}",
    "<!--<img src=\"--><img src=x onerror=alert('xss') data-xss>",
]

# Run in the page: everything a payload could have left behind.
# Attribute values are matched on what the payloads carry, not on "xss" alone: a
# random CSRF token in <body hx-headers> may contain those three letters.
DOM_SCAN = """() => {
  const INJECTED = ['xss-marker', '/xss', "'xss'"];
  const found = [];
  const describe = el => el.outerHTML.slice(0, 160);
  for (const el of document.querySelectorAll('*')) {
    if (el.hasAttribute('data-xss')) { found.push('data-xss: ' + describe(el)); continue; }
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase(), value = attr.value.toLowerCase();
      if ((name.startsWith('on') || name.startsWith('hx-') || name.startsWith('data-hx-'))
          && INJECTED.some(token => value.includes(token))) found.push('attribute ' + name + ': ' + describe(el));
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(name)
          && value.replace(/[\\s\\u0000-\\u001f]/g, '').startsWith('javascript:'))
        found.push('javascript: URL: ' + describe(el));
    }
    if (el.tagName === 'SCRIPT' && el.textContent.toLowerCase().includes('xss'))
      found.push('script: ' + describe(el));
  }
  return found;
}"""
