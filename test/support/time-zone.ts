/**
 * Runs before every test file (vitest setupFiles). When TZ names a zone, checks that the process
 * really is in it: Node falls back to UTC without a word for a misspelt zone, and the runs in
 * other zones (.ci/run) would then prove nothing.
 */
const wanted = process.env.TZ;
if (wanted !== undefined && wanted !== '') {
  // Throws RangeError for a zone ICU does not know.
  const zone = new Intl.DateTimeFormat('en-US', { timeZone: wanted.replace(/^:/, ''), timeZoneName: 'longOffset' });
  for (const at of [Date.UTC(2031, 0, 15, 12), Date.UTC(2031, 6, 15, 12)]) {
    const named = zone.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
    const m = /^GMT(?:([+-])(\d\d):(\d\d))?$/.exec(named);
    if (!m) throw new Error(`cannot read the offset of TZ=${wanted} from "${named}"`);
    const offsetMinutes = m[1] ? (m[1] === '+' ? 1 : -1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
    const processOffset = -new Date(at).getTimezoneOffset();
    if (processOffset !== offsetMinutes) {
      throw new Error(`TZ=${wanted} is set but the process runs at UTC${processOffset >= 0 ? '+' : ''}${processOffset / 60} h, not that zone's ${named}`);
    }
  }
}
