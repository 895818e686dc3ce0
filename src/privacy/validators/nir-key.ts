/**
 * French NIR ("numéro de sécurité sociale"): 13 characters then a 2-digit key equal to
 * 97 - (number mod 97). Corsican departments 2A and 2B count as 19 and 18 for the key.
 * `compact` is the 15 characters without spaces, upper case.
 */
export function isValidNir(compact: string): boolean {
  if (!/^[12378]\d{4}(?:\d{2}|2A|2B)\d{8}$/.test(compact)) return false;
  const month = Number(compact.slice(3, 5));
  // 01-12; 20-42 and 50-99 are used when the birth month is unknown.
  if (month === 0 || (month > 12 && month < 20) || (month > 42 && month < 50)) return false;
  const dept = compact.slice(5, 7);
  const digits =
    dept === '2A'
      ? compact.slice(0, 5) + '19' + compact.slice(7, 13)
      : dept === '2B'
        ? compact.slice(0, 5) + '18' + compact.slice(7, 13)
        : compact.slice(0, 13);
  if (dept === '00') return false;
  const key = Number(compact.slice(13));
  // 13 digits exceed 2^53 only past 9e15: a plain number is exact here.
  return key === 97 - (Number(digits) % 97);
}
