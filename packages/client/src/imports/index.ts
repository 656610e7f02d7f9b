// The client side of a CSV import, shared by the web app, the CLI and the bench: read the file,
// judge every row with the domain's rules, send the rows in chunks, merge the server's verdicts.
export * from './importVerdicts';
export * from './parseImportBytes';
export * from './parseImportText';
export * from './previewImportFile';
export * from './sha256Hex';
