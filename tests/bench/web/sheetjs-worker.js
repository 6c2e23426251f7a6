// SheetJS reading a workbook, nothing more: the baseline of the product's
// XLSX analysis. Message in: { file: File }. Message out: { sheets,
// range, timings } once XLSX.read has parsed every sheet.

/* global XLSX */
importScripts('/vendor/xlsx.full.min.js');

onmessage = async (event) => {
  const { file } = event.data;
  try {
    const start = performance.now();
    const bytes = new Uint8Array(await file.arrayBuffer());
    const loaded = performance.now();
    const workbook = XLSX.read(bytes, { type: 'array' });
    const end = performance.now();
    const first = workbook.Sheets[workbook.SheetNames[0]];
    postMessage({
      sheets: workbook.SheetNames.length,
      range: first['!ref'],
      timings: { file_read_ms: loaded - start, xlsx_read_ms: end - loaded, worker_ms: end - start },
    });
  } catch (error) {
    postMessage({ failure: String(error && error.stack ? error.stack : error) });
  }
};
