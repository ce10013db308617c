import { invalidRequest } from "../../errors";

/**
 * An `input_file`'s `file_data` as the data URL every upstream takes: OpenAI's Responses and chat
 * APIs read `file_data` as `data:<media type>;base64,<data>`, and the other providers read the
 * media type from it. A client that sends bare base64 gets it wrapped, its media type told by the
 * PDF signature or the filename's extension; one the proxy cannot tell is a 400 naming the field
 * (passed on bare, OpenAI would refuse it and Claude could not read it).
 */
const BY_EXTENSION: Record<string, string> = {
  pdf: "application/pdf",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  json: "application/json",
  html: "text/html",
  xml: "application/xml",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
};

/** "%PDF-" in base64, as a PDF's bytes begin. */
const PDF_SIGNATURE = "JVBERi0";

export function fileDataUrl(fileData: string, filename: string | undefined, param: string): string {
  if (/^data:/i.test(fileData)) return fileData;
  const extension = filename?.includes(".") ? filename.slice(filename.lastIndexOf(".") + 1).toLowerCase() : undefined;
  const mediaType = fileData.startsWith(PDF_SIGNATURE) ? "application/pdf" : extension ? BY_EXTENSION[extension] : undefined;
  if (!mediaType) {
    throw invalidRequest(
      `${param}.file_data must be a data URL (data:<media type>;base64,<data>); bare base64 is taken only for a PDF or a filename whose extension says the type.`,
      `${param}.file_data`,
    );
  }
  return `data:${mediaType};base64,${fileData}`;
}
