// The page's only script: calls the JSON API of the same server (no CDN, no framework) and shows the PNGs.
'use strict';

const $ = (id) => document.getElementById(id);
let last = null; // the last /api/faces request, so "Edit" changes the same faces

function status(text, isError) {
  $('status').textContent = text;
  $('status').className = isError ? 'error' : '';
}

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await response.json().catch(() => null);
  if (!response.ok) {
    const wait = response.headers.get('Retry-After');
    const detail = (json && (json.detail || json.title)) || response.statusText;
    throw new Error(wait ? `${detail} (retry in ${wait} s)` : detail);
  }
  return json;
}

function show(result, labels) {
  const gallery = $('gallery');
  gallery.replaceChildren();
  result.faces.forEach((face, i) => {
    const figure = document.createElement('figure');
    const img = document.createElement('img');
    img.src = `data:image/png;base64,${face.png}`;
    img.alt = face.description;
    img.title = face.description;
    img.className = 'face';
    const caption = document.createElement('figcaption');
    const label = document.createElement('span');
    label.textContent = labels ? labels(i) : `#${face.index}`;
    const link = document.createElement('a');
    link.href = img.src;
    link.download = `face-${result.seed}-${i}.png`;
    link.textContent = 'download';
    caption.append(label, link);
    figure.append(img, caption);
    gallery.append(figure);
  });
  status(`${result.faces.length} images, ${result.resolution}x${result.resolution}, ${result.milliseconds} ms`);
}

$('generate').addEventListener('submit', async (event) => {
  event.preventDefault();
  last = {
    text: $('text').value,
    seed: Number($('seed').value),
    count: Number($('count').value),
    truncation: Number($('truncation').value),
  };
  // The address bar becomes a link to these faces (same text, seed, count and truncation: same images).
  history.replaceState(null, '', `?${new URLSearchParams(Object.entries(last).map(([k, v]) => [k, String(v)]))}`);
  status('generating...');
  $('go').disabled = true;
  try {
    show(await post('/api/faces', last));
    if (!$('edited').value) { $('edited').value = last.text; }
  } catch (error) {
    status(error.message, true);
  } finally {
    $('go').disabled = false;
  }
});

$('edit').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!last) { status('Generate faces first, then describe the change.', true); return; }
  status('editing...');
  $('apply').disabled = true;
  try {
    const count = Math.max(1, Math.min(last.count, 4));
    const result = await post('/api/edit', { ...last, count, editedText: $('edited').value });
    show(result, (i) => (i % 2 === 0 ? `#${i / 2} before` : `#${(i - 1) / 2} after`));
  } catch (error) {
    status(error.message, true);
  } finally {
    $('apply').disabled = false;
  }
});

// A link made by the page (?text=...&seed=...&count=...&truncation=...) renders its faces on load.
const query = new URLSearchParams(location.search);
if (query.get('text')) {
  for (const field of ['text', 'seed', 'count', 'truncation']) {
    if (query.get(field) !== null) { $(field).value = query.get(field); }
  }
  $('generate').requestSubmit();
}

fetch('/api/info').then((r) => r.json()).then((info) => {
  $('model').textContent = `${info.resolution}x${info.resolution} faces, encoder ${info.encoder}; up to ${info.maxFaces} faces per request`;
  $('count').max = info.maxFaces;
}).catch(() => status('The server did not answer /api/info.', true));
