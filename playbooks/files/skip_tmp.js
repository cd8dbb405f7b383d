// Skip temporary files: they are rewritten before they are worth archiving.
function filter(request) {
  return !/\.tmp$/.test(request.copy.info.path);
}
