// The hand-written vanilla-JS reference for `make bench` (see BENCHMARKS.md): fetches the very
// URL the widget fetched (passed as `u=`) through cardfile-proxy, reads the provider's JSON and
// builds the same card markup the widget renders, with the widget's own CSS. No framework, no
// merging or ranking: the least work that puts the same cards on screen.
'use strict';

const params = new URLSearchParams(location.search);
const url = params.get('u');
const kind = params.get('kind');
const label = params.get('label') || kind;
// The widget merges people found twice (same phone or email) into one card; `n=` is how many
// cards it showed, so this page puts exactly as many on screen.
const limit = Number(params.get('n')) || Infinity;

const text = (v) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');
const joinName = (first, last) => [text(first), text(last)].filter(Boolean).join(' ');

// Provider answers, read as the widget's adapters read them for the card's four fields.
const readers = {
  gws(v) {
    return v.contacts.map((c) => {
      let phone = '';
      if (Array.isArray(c.phoneNumber)) phone = c.phoneNumber.map(text).find(Boolean) || '';
      else phone = text(c.phoneNumber);
      if (!phone && Array.isArray(c.phoneNumbers)) {
        for (const p of c.phoneNumbers) {
          phone = text(typeof p === 'object' && p ? p.phoneNumber : p);
          if (phone) break;
        }
      }
      const email = text(c.emailAddress);
      const name = text(c.name) || joinName(c.firstName, c.lastName) || phone || email;
      return { name, company: '', phone, email };
    });
  },
  '8x8'(v) {
    return v.items.map((c) => {
      const a = c.addresses || {};
      const phone = text(a.msisdn);
      const email = text(a.email);
      return { name: joinName(c.firstName, c.lastName) || phone || email, company: '', phone, email };
    });
  },
};

function el(tag, className, content) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (content) e.textContent = content;
  return e;
}

// The widget's compact card (components/contact_list.rs + contact_card.rs), closed.
function card(c, i) {
  const li = document.createElement('li');
  li.setAttribute('role', 'option');
  li.setAttribute('aria-selected', 'false');
  const article = el('article', 'card');
  article.id = `cardfile-result-${i}`;
  const head = el('button', 'card-head');
  head.setAttribute('aria-expanded', 'false');
  head.append(el('span', 'name', c.name));
  const badges = el('span', 'badges');
  badges.append(el('span', 'badge', label));
  head.append(badges);
  article.append(head);
  if (c.company) article.append(el('div', 'company', c.company));
  const summary = el('div', 'summary');
  if (c.phone) summary.append(el('span', 'phone', c.phone));
  if (c.email) summary.append(el('span', 'email', c.email));
  article.append(summary);
  li.append(article);
  return li;
}

function render(contacts) {
  const list = document.getElementById('cardfile-results');
  const fragment = document.createDocumentFragment();
  contacts.forEach((c, i) => fragment.append(card(c, i)));
  list.replaceChildren(fragment);
  document.querySelector('[role=status]').textContent = `${contacts.length} contacts found`;
}

async function search() {
  window.benchIssued = performance.now();
  const reply = await fetch(url);
  const contacts = readers[kind](await reply.json()).slice(0, limit);
  render(contacts);
  return contacts.length;
}

// Opening a card is out of scope; one delegated listener keeps the buttons live like the widget's.
document.addEventListener('click', (e) => {
  const head = e.target.closest && e.target.closest('.card-head');
  if (head) head.setAttribute('aria-expanded', String(head.getAttribute('aria-expanded') !== 'true'));
});

window.benchSearch = search;
if (params.get('auto') === '1') search();
