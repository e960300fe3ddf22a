// Option parsing shared by the command-line entry points (`npm run local:aws`, and the local stack's `npm start`).

/** A numeric option, or an exit with a message naming the option when it is not a number. */
export const numberOption = (name: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) {
    console.error(`--${name} must be a number, got ${text}`);
    process.exit(2);
  }
  return value;
};
