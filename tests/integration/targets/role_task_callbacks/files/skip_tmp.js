// Skip temporary files: a plain file, read as it is.
function filter(request) {
  return !request.copy.info.path.endsWith(".tmp");
}
