export default ({ defineDistribution }) => defineDistribution({
  name: "broken",
  summary: "Broken."
  options: {},
});
