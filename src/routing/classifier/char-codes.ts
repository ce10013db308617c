/** Character-code tests the classifier's hand-written scanners share (ASCII only: they read code units). */
export const isDigit = (code: number): boolean => code >= 48 && code <= 57;

export const isAsciiLetter = (code: number): boolean => (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
