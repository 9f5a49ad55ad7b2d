/**
 * A small XML reader and the JUnit XML rules CI servers check, for tests
 * (no XSD validator can be installed here). The rules are the intersection
 * of the two schemas in common use:
 *
 * - Ant's JUnit.xsd (Windy Road, used by Jenkins' and many reporters'
 *   strict modes): <testsuites> has no attributes and holds <testsuite>
 *   elements, each with required name, timestamp (ISO 8601 without a time
 *   zone), hostname, tests, failures, errors, time, and (inside testsuites)
 *   package and id; its children are, in order, exactly one <properties>
 *   (of <property name value/>), any <testcase>, then exactly one
 *   <system-out> and one <system-err>. A <testcase> has required name,
 *   classname and time, and at most one child: <failure> or <error>, each
 *   with a required type and an optional message, holding text only.
 * - Jenkins' junit-10.xsd: a superset of the above for these elements.
 *
 * Plus consistency: tests, failures and errors equal the counts of
 * testcase, failure and error elements.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, body: string) => {
    if (body.startsWith('#x')) return String.fromCodePoint(parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(parseInt(body.slice(1), 10));
    const e = ENTITIES[body];
    if (e === undefined) throw new Error(`unknown entity ${whole}`);
    return e;
  });
}

/** Parses a document (elements, attributes in double quotes, text, comments). Throws on malformed input. */
export function parseXml(xml: string): XmlElement {
  // eslint-disable-next-line no-control-regex
  const bad = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u.exec(xml);
  if (bad !== null) throw new Error(`character U+${bad[0].codePointAt(0)!.toString(16)} is not allowed in XML`);
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at offset ${i}: ${JSON.stringify(xml.slice(i, i + 40))}`);
  };
  const skipMisc = (): void => {
    for (;;) {
      const before = i;
      while (/\s/.test(xml[i] ?? '')) i++;
      if (xml.startsWith('<?', i)) i = xml.indexOf('?>', i) + 2;
      if (xml.startsWith('<!--', i)) i = xml.indexOf('-->', i) + 3;
      if (i === before) return;
    }
  };
  const element = (): XmlElement => {
    if (xml[i] !== '<') fail('expected <');
    i++;
    const name = /^[A-Za-z_][\w.-]*/.exec(xml.slice(i))?.[0] ?? fail('expected a name');
    i += name.length;
    const node: XmlElement = { name, attrs: {}, children: [], text: '' };
    for (;;) {
      while (/\s/.test(xml[i] ?? '')) i++;
      if (xml.startsWith('/>', i)) {
        i += 2;
        return node;
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      const m = /^([A-Za-z_][\w.-]*)="([^"<]*)"/.exec(xml.slice(i)) ?? fail('bad attribute');
      if (m[1]! in node.attrs) fail(`duplicate attribute ${m[1]}`);
      node.attrs[m[1]!] = decode(m[2]!);
      i += m[0].length;
    }
    for (;;) {
      if (xml.startsWith('</', i)) {
        i += 2;
        if (!xml.startsWith(`${name}>`, i)) fail(`expected </${name}>`);
        i += name.length + 1;
        return node;
      }
      if (xml.startsWith('<!--', i)) {
        i = xml.indexOf('-->', i) + 3;
      } else if (xml[i] === '<') {
        node.children.push(element());
      } else {
        const end = xml.indexOf('<', i);
        if (end === -1) fail('unclosed element');
        const raw = xml.slice(i, end);
        if (raw.includes('>') && raw.includes(']]>')) fail(']]> in text');
        node.text += decode(raw);
        i = end;
      }
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== xml.length) fail('content after the root element');
  return root;
}

const INT = /^(0|[1-9]\d*)$/;
const DECIMAL = /^\d+(\.\d+)?$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/** Every rule above that `xml` breaks (empty: valid). */
export function junitProblems(xml: string): string[] {
  const problems: string[] = [];
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (error) {
    return [`not well-formed: ${(error as Error).message}`];
  }
  const attrs = (el: XmlElement, where: string, required: string[], optional: string[] = []): void => {
    for (const a of required) if (!(a in el.attrs)) problems.push(`${where}: missing attribute ${a}`);
    for (const a of Object.keys(el.attrs)) if (!required.includes(a) && !optional.includes(a)) problems.push(`${where}: attribute ${a} not allowed`);
  };
  const noText = (el: XmlElement, where: string): void => {
    if (el.text.trim() !== '') problems.push(`${where}: text not allowed`);
  };
  if (root.name !== 'testsuites') return [`root is <${root.name}>, not <testsuites>`];
  attrs(root, 'testsuites', []);
  noText(root, 'testsuites');
  root.children.forEach((suite, s) => {
    const where = `testsuite[${s}]`;
    if (suite.name !== 'testsuite') {
      problems.push(`testsuites: <${suite.name}> not allowed`);
      return;
    }
    attrs(suite, where, ['name', 'timestamp', 'hostname', 'tests', 'failures', 'errors', 'time', 'package', 'id']);
    noText(suite, where);
    for (const a of ['tests', 'failures', 'errors', 'id']) if (a in suite.attrs && !INT.test(suite.attrs[a]!)) problems.push(`${where}: ${a}="${suite.attrs[a]}" is not an integer`);
    if ('time' in suite.attrs && !DECIMAL.test(suite.attrs.time!)) problems.push(`${where}: time="${suite.attrs.time}" is not a decimal`);
    if ('timestamp' in suite.attrs && !TIMESTAMP.test(suite.attrs.timestamp!)) problems.push(`${where}: timestamp="${suite.attrs.timestamp}" is not yyyy-mm-ddThh:mm:ss`);
    for (const a of ['name', 'hostname']) if (suite.attrs[a]?.trim() === '') problems.push(`${where}: empty ${a}`);
    const names = suite.children.map((c) => c.name);
    const shape = names.map((n) => (n === 'testcase' ? 'T' : n === 'properties' ? 'P' : n === 'system-out' ? 'O' : n === 'system-err' ? 'E' : '?')).join('');
    if (!/^PT*OE$/.test(shape)) problems.push(`${where}: children must be properties, testcase*, system-out, system-err; got ${names.join(', ')}`);
    let failures = 0;
    let errors = 0;
    let tests = 0;
    for (const child of suite.children) {
      if (child.name === 'properties') {
        attrs(child, `${where}/properties`, []);
        noText(child, `${where}/properties`);
        for (const p of child.children) {
          if (p.name !== 'property') problems.push(`${where}/properties: <${p.name}> not allowed`);
          attrs(p, `${where}/property`, ['name', 'value']);
          if (p.children.length > 0 || p.text !== '') problems.push(`${where}/property: must be empty`);
          if (p.attrs.name === '') problems.push(`${where}/property: empty name`);
        }
      } else if (child.name === 'testcase') {
        tests++;
        const cw = `${where}/testcase "${child.attrs.name ?? '?'}"`;
        attrs(child, cw, ['name', 'classname', 'time']);
        noText(child, cw);
        if ('time' in child.attrs && !DECIMAL.test(child.attrs.time!)) problems.push(`${cw}: time="${child.attrs.time}" is not a decimal`);
        if (child.attrs.name?.trim() === '') problems.push(`${cw}: empty name`);
        if (child.children.length > 1) problems.push(`${cw}: at most one failure or error`);
        for (const result of child.children) {
          if (result.name !== 'failure' && result.name !== 'error') {
            problems.push(`${cw}: <${result.name}> not allowed`);
            continue;
          }
          if (result.name === 'failure') failures++;
          else errors++;
          attrs(result, `${cw}/${result.name}`, ['type'], ['message']);
          if (result.children.length > 0) problems.push(`${cw}/${result.name}: text only`);
        }
      } else if (child.name === 'system-out' || child.name === 'system-err') {
        attrs(child, `${where}/${child.name}`, []);
        if (child.children.length > 0) problems.push(`${where}/${child.name}: text only`);
      }
    }
    if (suite.attrs.tests !== String(tests)) problems.push(`${where}: tests="${suite.attrs.tests}" but ${tests} testcase elements`);
    if (suite.attrs.failures !== String(failures)) problems.push(`${where}: failures="${suite.attrs.failures}" but ${failures} failure elements`);
    if (suite.attrs.errors !== String(errors)) problems.push(`${where}: errors="${suite.attrs.errors}" but ${errors} error elements`);
  });
  return problems;
}
