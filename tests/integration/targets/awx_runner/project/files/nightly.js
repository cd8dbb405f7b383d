// Keep the nightly backup small: skip ISO images.
function filter(request) {
  return !request.copy.info.path.endsWith(".iso");
}
