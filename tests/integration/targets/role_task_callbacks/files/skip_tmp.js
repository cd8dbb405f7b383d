// Skip temporary files: a plain file, sent as it is; {{ braces }} and {% tags %} stay as they are.
function filter(request) {
  return !request.copy.info.path.endsWith(".tmp");
}
