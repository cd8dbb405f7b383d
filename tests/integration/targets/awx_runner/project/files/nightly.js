// Keep the nightly backup small: skip ISO images.
function filter(request) {
  return !request.path.endsWith(".iso");
}
